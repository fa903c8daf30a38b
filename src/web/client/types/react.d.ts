/**
 * The two React entry points the GraphiQL page calls, typed narrowly. The project does not
 * install @types/react (only the GraphiQL page uses React, and only to mount GraphiQL); with
 * @types/react@18 installed this file can go.
 */
declare module 'react' {
  export interface ReactElement {
    readonly type: unknown;
    readonly props: unknown;
    readonly key: string | null;
  }
  export function createElement<P extends object>(type: (props: P) => unknown, props: P): ReactElement;
  export function StrictMode(props: { children?: ReactElement }): unknown;
}

declare module 'react-dom/client' {
  import type { ReactElement } from 'react';
  export interface Root {
    render(children: ReactElement): void;
    unmount(): void;
  }
  export function createRoot(container: Element): Root;
}
