/**
 * Every built-in component factory. The registry (src/agent/registry.ts) reads these
 * lists; a component module adds itself here with one import and one list entry.
 * Flume types that Sluice does not implement are listed in UNSUPPORTED_FLUME_TYPES so
 * that configs naming them get "not supported by Sluice" instead of a fatal error.
 * (Selectors and sink processors are registered by the registry itself.)
 */
import type { ChannelFactory, InterceptorFactory, SinkFactory, SourceFactory } from './component.js';
import { memoryChannelFactory } from '../channels/memory-channel.js';
import { fileChannelFactory } from '../channels/file-channel/file-channel.js';
import { timestampInterceptorFactory } from '../interceptors/timestamp-interceptor.js';
import { hostInterceptorFactory } from '../interceptors/host-interceptor.js';
import { staticInterceptorFactory } from '../interceptors/static-interceptor.js';
import { removeHeaderInterceptorFactory } from '../interceptors/remove-header-interceptor.js';
import { uuidInterceptorFactory } from '../interceptors/uuid-interceptor.js';
import { regexFilterInterceptorFactory } from '../interceptors/regex-filter-interceptor.js';
import { regexExtractorInterceptorFactory } from '../interceptors/regex-extractor-interceptor.js';
import { searchReplaceInterceptorFactory } from '../interceptors/search-replace-interceptor.js';
import { taildirSourceFactory } from '../sources/taildir/taildir-factory.js';
import { execSourceFactory } from '../sources/exec-source.js';
import { netcatSourceFactory } from '../sources/netcat-source.js';
import { netcatUdpSourceFactory } from '../sources/netcat-udp-source.js';
import { seqSourceFactory } from '../sources/seq-source.js';
import { httpSourceFactory } from '../sources/http/http-source.js';
import { spoolDirSourceFactory } from '../sources/spooldir/spooldir-source.js';
import { multiportSyslogTcpSourceFactory, syslogTcpSourceFactory, syslogUdpSourceFactory } from '../sources/syslog/syslog-sources.js';
import { loggerSinkFactory } from '../sinks/logger-sink.js';
import { nullSinkFactory } from '../sinks/null-sink.js';
import { fileRollSinkFactory } from '../sinks/file-roll-sink.js';
import { kafkaSinkFactory } from '../sinks/kafka/kafka-sink.js';

export const SOURCE_FACTORIES: SourceFactory[] = [httpSourceFactory, spoolDirSourceFactory, syslogTcpSourceFactory, multiportSyslogTcpSourceFactory, syslogUdpSourceFactory, taildirSourceFactory, execSourceFactory, netcatSourceFactory, netcatUdpSourceFactory, seqSourceFactory];
export const CHANNEL_FACTORIES: ChannelFactory[] = [memoryChannelFactory, fileChannelFactory];
export const SINK_FACTORIES: SinkFactory[] = [loggerSinkFactory, nullSinkFactory, fileRollSinkFactory, kafkaSinkFactory];
export const INTERCEPTOR_FACTORIES: InterceptorFactory[] = [
  timestampInterceptorFactory,
  hostInterceptorFactory,
  staticInterceptorFactory,
  removeHeaderInterceptorFactory,
  uuidInterceptorFactory,
  regexFilterInterceptorFactory,
  regexExtractorInterceptorFactory,
  searchReplaceInterceptorFactory,
];

/**
 * Flume aliases (matched case-insensitively) and class names (matched exactly) that Sluice
 * knows but does not implement. A factory registered for the same name wins over this list,
 * so it also lists every Flume built-in Sluice does implement: a build where one of them is
 * missing degrades to "not supported by Sluice" (component dropped) instead of a fatal
 * unknown class.
 */
export const UNSUPPORTED_FLUME_TYPES: Readonly<Record<'source' | 'channel' | 'sink' | 'interceptor' | 'selector' | 'processor', readonly string[]>> = {
  source: [
    'seq', 'netcat', 'netcatudp', 'exec', 'syslogtcp', 'multiport_syslogtcp', 'syslogudp', 'spooldir', 'http', 'TAILDIR',
    'org.apache.flume.source.SequenceGeneratorSource', 'org.apache.flume.source.NetcatSource',
    'org.apache.flume.source.NetcatUdpSource', 'org.apache.flume.source.ExecSource',
    'org.apache.flume.source.SyslogTcpSource', 'org.apache.flume.source.MultiportSyslogTCPSource',
    'org.apache.flume.source.SyslogUDPSource', 'org.apache.flume.source.SpoolDirectorySource',
    'org.apache.flume.source.http.HTTPSource', 'org.apache.flume.source.taildir.TaildirSource',
    'avro', 'thrift', 'jms', 'scribe', 'legacy',
    'org.apache.flume.source.AvroSource', 'org.apache.flume.source.ThriftSource',
    'org.apache.flume.source.jms.JMSSource', 'org.apache.flume.source.kafka.KafkaSource',
    'org.apache.flume.source.StressSource', 'org.apache.flume.source.scribe.ScribeSource',
    'org.apache.flume.source.twitter.TwitterSource',
  ],
  channel: [
    'memory', 'file', 'org.apache.flume.channel.MemoryChannel', 'org.apache.flume.channel.file.FileChannel',
    'jdbc', 'SPILLABLEMEMORY',
    'org.apache.flume.channel.jdbc.JdbcChannel', 'org.apache.flume.channel.SpillableMemoryChannel',
    'org.apache.flume.channel.kafka.KafkaChannel', 'org.apache.flume.channel.PseudoTxnMemoryChannel',
  ],
  sink: [
    'null', 'logger', 'file_roll', 'org.apache.flume.sink.NullSink', 'org.apache.flume.sink.LoggerSink',
    'org.apache.flume.sink.RollingFileSink', 'org.apache.flume.sink.kafka.KafkaSink',
    'hdfs', 'avro', 'thrift', 'irc', 'hbase', 'hbase2', 'asynchbase', 'elasticsearch', 'morphline_solr', 'hive', 'http',
    'org.apache.flume.sink.hdfs.HDFSEventSink', 'org.apache.flume.sink.AvroSink', 'org.apache.flume.sink.ThriftSink',
    'org.apache.flume.sink.irc.IRCSink', 'org.apache.flume.sink.hbase.HBaseSink', 'org.apache.flume.sink.hbase2.HBase2Sink',
    'org.apache.flume.sink.hbase.AsyncHBaseSink', 'org.apache.flume.sink.elasticsearch.ElasticSearchSink',
    'org.apache.flume.sink.solr.morphline.MorphlineSolrSink', 'org.apache.flume.sink.hive.HiveSink',
    'org.apache.flume.sink.http.HttpSink',
  ],
  interceptor: [
    'timestamp', 'host', 'static', 'regex_filter', 'regex_extractor', 'remove_header', 'search_replace',
    'org.apache.flume.interceptor.TimestampInterceptor$Builder', 'org.apache.flume.interceptor.HostInterceptor$Builder',
    'org.apache.flume.interceptor.StaticInterceptor$Builder', 'org.apache.flume.interceptor.RegexFilteringInterceptor$Builder',
    'org.apache.flume.interceptor.RegexExtractorInterceptor$Builder', 'org.apache.flume.interceptor.RemoveHeaderInterceptor$Builder',
    'org.apache.flume.interceptor.SearchAndReplaceInterceptor$Builder', 'org.apache.flume.sink.solr.morphline.UUIDInterceptor$Builder',
    'org.apache.flume.sink.solr.morphline.MorphlineInterceptor$Builder',
  ],
  selector: [],
  processor: [],
};
