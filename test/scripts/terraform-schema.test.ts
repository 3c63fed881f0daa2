// The provider schema extractor, on a small jsii assembly shaped like @cdktf/provider-google's
// (the real one is ~100 MB; google-schema.json is what it produced, see its `source`).
import { describe, expect, it } from 'vitest';
import { extractSchema } from '../../scripts/terraform-check/extract-schema.js';

const ns = '@cdktf/provider-google.pubsubTopic';
const link = (name: string) => ({ summary: 'x', remarks: `Docs at Terraform Registry: {@link https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/resources/pubsub_topic#${name} PubsubTopic#${name}}` });
const blockDocs = (name: string) => ({ summary: `${name} block.`, remarks: link(name).remarks });

const assembly = {
  types: {
    [`${ns}.PubsubTopic`]: {
      kind: 'class', fqn: `${ns}.PubsubTopic`,
      docs: { summary: 'Represents a {@link https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/resources/pubsub_topic google_pubsub_topic}.' },
      initializer: { parameters: [{ name: 'scope', type: { fqn: 'constructs.Construct' } }, { name: 'config', type: { fqn: `${ns}.PubsubTopicConfig` } }] },
      properties: [
        { name: 'tfResourceType', static: true, type: { primitive: 'string' } },
        { name: 'effectiveLabels', type: { fqn: 'cdktf.StringMap' } },
        { name: 'nameInput', type: { primitive: 'string' } },
        { name: 'name', type: { primitive: 'string' } },
        { name: 'terraformAttribute', type: { primitive: 'string' } },
      ],
    },
    [`${ns}.PubsubTopicConfig`]: {
      kind: 'interface', datatype: true, fqn: `${ns}.PubsubTopicConfig`,
      properties: [
        { name: 'name', docs: link('name'), type: { primitive: 'string' } },
        { name: 'kmsKeyName', optional: true, docs: link('kms_key_name'), type: { primitive: 'string' } },
        { name: 'count', optional: true, type: { primitive: 'number' } },
        { name: 'schemaSettings', optional: true, docs: blockDocs('schema_settings'), type: { fqn: `${ns}.PubsubTopicSchemaSettings` } },
        { name: 'messageTransforms', docs: blockDocs('message_transforms'),
          type: { union: { types: [{ fqn: 'cdktf.IResolvable' }, { collection: { kind: 'array', elementtype: { fqn: `${ns}.PubsubTopicMessageTransforms` } } }] } } },
      ],
    },
    [`${ns}.PubsubTopicSchemaSettings`]: {
      kind: 'interface', datatype: true, fqn: `${ns}.PubsubTopicSchemaSettings`,
      properties: [{ name: 'schema', docs: link('schema'), type: { primitive: 'string' } }],
    },
    [`${ns}.PubsubTopicSchemaSettingsOutputReference`]: {
      kind: 'class', fqn: `${ns}.PubsubTopicSchemaSettingsOutputReference`,
      properties: [{ name: 'schema', type: { primitive: 'string' } }, { name: 'schemaInput', type: { primitive: 'string' } }, { name: 'revisionId', type: { primitive: 'string' } }],
    },
    [`${ns}.PubsubTopicMessageTransforms`]: {
      kind: 'interface', datatype: true, fqn: `${ns}.PubsubTopicMessageTransforms`,
      properties: [{ name: 'disabled', optional: true, docs: link('disabled'), type: { primitive: 'boolean' } }],
    },
    '@cdktf/provider-google.computeInstance.ComputeInstance': {
      kind: 'class', fqn: '@cdktf/provider-google.computeInstance.ComputeInstance',
      docs: { summary: 'Represents a {@link https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/resources/compute_instance google_compute_instance}.' },
    },
  },
};

describe('extractSchema', () => {
  const schema = extractSchema(assembly as never, '@cdktf/provider-google@0.0.0', ['google_pubsub_']);

  it('records the provider version from the registry links and the bindings it came from', () => {
    expect(schema).toMatchObject({ provider: 'hashicorp/google', version: '6.50.0', source: '@cdktf/provider-google@0.0.0', families: ['google_pubsub_'] });
  });

  it('reads required, optional and computed-only attributes, and blocks with their nesting', () => {
    expect(schema.resources.google_pubsub_topic).toEqual({
      attrs: { name: 'r', kms_key_name: 'o', effective_labels: 'c', terraform: 'c' },
      blocks: {
        schema_settings: { nesting: 'single', attrs: { schema: 'r', revision_id: 'c' } },
        message_transforms: { nesting: 'list', required: true, attrs: { disabled: 'o' } },
      },
    });
  });

  it('lists types outside the families by name only', () => {
    expect(schema.resources.google_compute_instance).toBeUndefined();
    expect(schema.other_types.resources).toEqual(['google_compute_instance']);
  });
});
