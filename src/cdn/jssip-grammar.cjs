/**
 * Stands in for JsSIP's `Grammar` (lib/Grammar.js, a PEG.js parser of all of SIP, ~11 KB
 * gzip) in the script-tag build: a parser of only the rules JsSIP calls, with the same
 * results (src/cdn/jssip-grammar/parse.ts; proven against the real grammar by
 * grammar-equivalence.test.ts there). CommonJS like the module it replaces: JsSIP's URI
 * and NameAddrHeader require the grammar while they load, so the grammar requires them
 * only when it parses, as the original does.
 */
const { parse } = require('./jssip-grammar/parse.ts');

module.exports = {
  parse(input, startRule) {
    const classes = {
      URI: require('jssip/lib/URI'),
      NameAddrHeader: require('jssip/lib/NameAddrHeader'),
    };
    return parse(input, startRule, classes);
  },
};
