const { latencies } = require('./dist/bench/bench-kit');
const token = require('fs').readFileSync('/tmp/cnt/token', 'utf8').trim();
const Q = 'query Counts($groupBy: [Dimension!], $filter: CountFilter) { accountability(groupBy: $groupBy, filter: $filter) { total suppressedCells cells { wave province outcome count suppressed } } }';
const P = ['11','12','13','14','15','16','17','18','19','21','31','32','33','34','35','36','51','52','53','61','62','63','64','65','71','72','73','74','75','76','81','82','91','92','93','94','95','96'];
const rp = () => { const p = P.filter(() => Math.random() < 0.5); return p.length ? p : ['31']; };
(async () => {
  const g = ['WAVE', 'PROVINCE', 'OUTCOME'];
  console.log('3d repeated', JSON.stringify(await latencies('http://127.0.0.1:4100/graphql', () => ({ body: JSON.stringify({ query: Q, variables: { groupBy: g } }), headers: { authorization: 'Bearer ' + token } }), 1000)));
  console.log('3d uncached', JSON.stringify(await latencies('http://127.0.0.1:4100/graphql', () => ({ body: JSON.stringify({ query: Q, variables: { groupBy: g, filter: { province: rp() } } }), headers: { authorization: 'Bearer ' + token } }), 1000)));
})();
