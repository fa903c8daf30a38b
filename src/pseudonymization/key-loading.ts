import type { Logger } from 'pino';
import type { Config } from '../config';
import { Keyring, loadOrCreateDevelopmentKeys } from './keyring';

/**
 * Loads the token and vault keys. Production reads SAMARAN_KEYS_FILE and nothing else; elsewhere
 * a development keys file is generated on first start with a loud warning.
 */
export function loadKeyring(config: Config, logger: Logger): Keyring {
  if (config.env === 'production') return Keyring.fromFile(config.keysFile);
  return loadOrCreateDevelopmentKeys(config.keysFile, (message) => logger.warn({ keysFile: config.keysFile }, message));
}
