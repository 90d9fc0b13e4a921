/**
 * Every built-in component factory. The registry (src/agent/registry.ts) reads these
 * lists; a component module adds itself here with one import and one list entry.
 * Flume types that Sluice does not implement are listed in UNSUPPORTED_FLUME_TYPES so
 * that configs naming them get "not supported by Sluice" instead of a fatal error.
 */
import type { ChannelFactory, InterceptorFactory, SinkFactory, SourceFactory } from './component.js';

export const SOURCE_FACTORIES: SourceFactory[] = [];
export const CHANNEL_FACTORIES: ChannelFactory[] = [];
export const SINK_FACTORIES: SinkFactory[] = [];
export const INTERCEPTOR_FACTORIES: InterceptorFactory[] = [];
