/** What the server tells clients about itself (GET /api/v1/version). */
export const SERVER_INFO = {
  name: 'trail-server',
  version: '0.1.0',
  apiVersion: 1
} as const;
