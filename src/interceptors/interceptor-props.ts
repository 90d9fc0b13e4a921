/**
 * Shared helper for interceptor factories: compiles a Java regex property into a JS
 * RegExp, errors naming the key, its file:line and the index in the pattern.
 */
import type { ComponentProps } from '../agent/component-props.js';
import { translateJavaRegex, type JavaRegex, type JavaRegexOptions } from '../config/java-regex.js';

/** Compiles the Java regex at `key` (value `pattern`), errors pointing at the key. */
export function javaRegexProp(props: ComponentProps, key: string, pattern: string, opts: Omit<JavaRegexOptions, 'label' | 'location'> = {}): JavaRegex {
  const loc = props.located(key);
  return translateJavaRegex(pattern, {
    ...opts,
    label: `${props.label}.${key}`,
    location: loc ? { file: loc.file, line: loc.line, key } : { key },
  });
}
