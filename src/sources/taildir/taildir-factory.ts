/**
 * Registry entry for TAILDIR: Flume alias `TAILDIR` and class
 * `org.apache.flume.source.taildir.TaildirSource`. `create` validates the properties
 * (ConfigError with file:line) and returns a TaildirSource; nothing touches the file
 * system before start().
 */
import type { SourceFactory } from '../../agent/component.js';
import { parseTaildirConfig } from './taildir-config.js';
import { TaildirSource } from './taildir-source.js';

export const taildirSourceFactory: SourceFactory = {
  kind: 'source',
  aliases: ['TAILDIR'],
  classNames: ['org.apache.flume.source.taildir.TaildirSource'],
  create(ctx) {
    return new TaildirSource(ctx, parseTaildirConfig(ctx.props));
  },
};
