// Expected failures become a Kafka error code in the response; anything else is a bug, which
// propagates (the server then closes that connection and reports it).
import {errorCode} from '../../protocol/index.js'

export function errorOf(error: unknown): {code: number; message: string} {
  const code = (error as {code?: unknown}).code
  if (error instanceof Error && typeof code === 'string' && !code.startsWith('E') && !code.startsWith('SQLITE'))
    return {code: errorCode(code), message: error.message}
  throw error
}

export const INT32_MIN = -2_147_483_648
