/// <reference types="node" />
/**
 * `@wirestack/overlay/node`: the Node-only part of the overlay package, a user-space VXLAN VTEP over real
 * UDP sockets, a virtual host to attach to it, and UDP sockets bound inside Linux network namespaces.
 */
export * from './netns.js';
export * from './udp-vtep.js';
export * from './virtual-host.js';
