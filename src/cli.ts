// The bakery command's entry point. Node's compile cache comes first: `bakery start` compiles
// hundreds of modules (TypeScript stripped, then parsed), and from the second start on the cache
// (NODE_COMPILE_CACHE, else node-compile-cache in the OS temp directory) saves most of that work.
// A static import of the CLI would be compiled before this line runs, hence the dynamic one.
import { enableCompileCache } from 'node:module'

enableCompileCache()
await import('./cli-main.ts')
