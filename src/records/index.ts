/**
 * The records floor: the types generated from schema/records, the limits
 * the schemas set, and the pure rules over records that the recorder, the
 * panel and the server share. Nothing here touches the DOM, Node or the
 * network, so every side can import it.
 */
export type * from './schema';
export * from './limits';
export * from './capture';
export * from './files';
export * from './environment';
export * from './summary';
export * from './fingerprint';
export * from './runs';
export * from './status';
