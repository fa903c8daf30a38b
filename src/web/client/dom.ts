/** A tiny element builder: properties for known DOM properties, attributes for the rest. */
type Props = Record<string, string | boolean | number | ((event: Event) => unknown) | undefined>;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined) continue;
    if (typeof value === 'function') {
      element.addEventListener(name.replace(/^on/, ''), value);
    } else if (name === 'className') {
      element.className = String(value);
    } else if (typeof value === 'boolean') {
      if (value) element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  element.append(...children);
  return element;
}
