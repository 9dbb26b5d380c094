// The configuration's public face: one loader, one schema, one frozen result. See config/load.ts for the
// precedence and config/settings.ts for every environment variable and flag.
export { loadConfig, resolveConfig, type LoadConfigOptions, type ResolvedConfig } from './config/load.js';
export { ConfigError } from './config/errors.js';
export { addConfigOptions, configOptions, type ConfigFlagName } from './config/flags.js';
export { displayPath, type ConfigFlags } from './config/sources.js';
export { SETTINGS } from './config/settings.js';
export { DEFAULTS, LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel, type Rate, type SaltmineConfig, type TokenLostFallback } from './config/types.js';
