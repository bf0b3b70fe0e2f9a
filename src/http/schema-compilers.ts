import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifySerializerCompiler } from 'fastify';
import { createValidators, memoBySchema, type ValidatorOptions, type Validators } from './validation.js';

/**
 * What turns route schemas into code: request validators (Ajv) and response serializers
 * (fast-json-stringify, as Fastify does by default). Compiling them is most of an app's start-up
 * (several hundred schemas), so both are memoised by schema content. `buildApp` makes one set per
 * app unless given one; the library passes one set per process so that each further
 * `startTessera()` reuses the compiled code. Only pure functions of schema text are shared: no
 * instance's data, configuration or state passes through them.
 */
export interface SchemaCompilers {
  readonly validators: Validators;
  readonly serializer: FastifySerializerCompiler<unknown>;
}

/** `lazy`: each validator and serializer is compiled on first use (see `ValidatorOptions`). */
export function createSchemaCompilers(options: ValidatorOptions = {}): SchemaCompilers {
  // No shared schemas (`addSchema`) and no serializer options: Fastify's default compiler as is.
  const fastJsonStringify = SerializerSelector()({}, {});
  const compileSerializer = memoBySchema((schema) =>
    fastJsonStringify({ schema, method: '', url: '', httpStatus: '' }),
  );
  return {
    validators: createValidators(options),
    serializer: ({ schema }) => {
      if (!options.lazy) return compileSerializer(schema as object);
      let serialize: ((data: unknown) => string) | undefined;
      return (data: unknown) => (serialize ??= compileSerializer(schema as object))(data);
    },
  };
}
