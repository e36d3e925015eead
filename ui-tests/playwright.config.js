/**
 * Galata in Debian's Chromium (no browser download is possible here), one
 * worker: the tests share one JupyterLab and one Trail server.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

module.exports = {
  ...baseConfig,
  workers: 1,
  timeout: 120000,
  retries: 0,
  use: {
    ...baseConfig.use,
    // A click or fill whose element never comes fails after a minute with
    // what it waited for, instead of waiting out the whole test's timeout.
    actionTimeout: 60000,
    video: 'off',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.TRAIL_CHROMIUM || '/usr/bin/chromium',
      args: [
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    }
  },
  webServer: {
    command: 'jlpm start',
    url: 'http://localhost:8888/lab',
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI
  }
};
