// What the engine needs to know about this process and machine, supplied by the CLI (the engine
// itself never touches the process).

/** Every kt client talks to the store on this machine: Kafka would show the loopback address. */
export const CLIENT_HOST = '/127.0.0.1'

/** Whether a process on this machine is still running. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
