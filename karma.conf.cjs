// Karma configuration for the console's unit tests (`ng test`, builder @angular/build:karma).
// CommonJS on purpose: package.json declares "type": "module".

// Debian's chromium; the Karma launcher reads CHROME_BIN.
process.env.CHROME_BIN ||= '/usr/bin/chromium';

module.exports = function (config) {
  config.set({
    basePath: '',
    frameworks: ['jasmine'],
    plugins: [require('karma-jasmine'), require('karma-chrome-launcher')],
    client: {
      jasmine: {
        // Random order keeps specs honest about shared state.
        random: true,
      },
      clearContext: true,
    },
    customLaunchers: {
      // Chromium as root refuses to start without --no-sandbox; the rest keeps it quiet
      // and offline (no component updates, sync or QUIC probes).
      ChromeHeadlessCI: {
        base: 'ChromeHeadless',
        flags: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--disable-quic',
          '--no-first-run',
        ],
      },
    },
    // `progress` prints the `Executed N of M (X FAILED)` and `TOTAL` lines the test runner parses.
    reporters: ['progress'],
    browsers: ['ChromeHeadlessCI'],
    browserNoActivityTimeout: 60000,
    captureTimeout: 120000,
    singleRun: true,
    autoWatch: false,
    restartOnFileChange: false,
  });
};
