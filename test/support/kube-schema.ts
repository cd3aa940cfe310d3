// Validates Kubernetes objects against the Kubernetes OpenAPI schemas, as compiled into the
// kubernetes-models package (one validator per apiVersion/kind), so no cluster is needed.
interface Validatable {
  validate(): void
}
type ModelClass = new (data: unknown) => Validatable

const cache = new Map<string, ModelClass>()

async function modelFor(apiVersion: string, kind: string): Promise<ModelClass> {
  const key = `${apiVersion}/${kind}`
  const cached = cache.get(key)
  if (cached) return cached
  // Core and built-in groups come with kubernetes-models; the Prometheus Operator's CRDs with
  // @kubernetes-models/prometheus-operator.
  const pkg = apiVersion.startsWith('monitoring.coreos.com/')
    ? '@kubernetes-models/prometheus-operator'
    : 'kubernetes-models'
  let module: Record<string, unknown>
  try {
    module = (await import(`${pkg}/${apiVersion}/${kind}`)) as Record<string, unknown>
  } catch (error) {
    throw new Error(`no Kubernetes schema for ${key} (unknown or removed API)`, { cause: error })
  }
  const model = module[kind] as ModelClass | undefined
  if (!model) throw new Error(`kubernetes-models/${key} exports no ${kind}`)
  cache.set(key, model)
  return model
}

/** Throws, naming the object and the schema violations, when `object` is not a valid manifest. */
export async function validateManifest(object: {
  apiVersion?: unknown
  kind?: unknown
  metadata?: { name?: unknown }
}) {
  const { apiVersion, kind } = object
  if (typeof apiVersion !== 'string' || typeof kind !== 'string')
    throw new Error('manifest without apiVersion/kind')
  const Model = await modelFor(apiVersion, kind)
  try {
    new Model(object).validate()
  } catch (error) {
    throw new Error(`${kind} ${String(object.metadata?.name)}: ${(error as Error).message}`, { cause: error })
  }
}
