'use strict';

const { greet } = require('./lib/greet');

module.exports = function hello(name) {
  return greet(name || 'world');
};
