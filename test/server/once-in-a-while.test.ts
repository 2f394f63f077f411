// kt broker's log lines for failures clients retry at once (a full disk refusing every Produce):
// the same line at most once per interval, a different line at once.
import {afterEach, describe, expect, it, vi} from 'vitest'

import {onceInAWhile} from '../../src/server/server.js'

describe('onceInAWhile', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('prints a repeated line once per interval, and other lines at once', () => {
    vi.useFakeTimers()
    const printed: string[] = []
    const problem = onceInAWhile((m) => printed.push(m), 10_000)
    for (let i = 0; i < 100; i++) problem('disk full')
    problem('damaged')
    vi.advanceTimersByTime(9_999)
    problem('disk full')
    expect(printed).toEqual(['disk full', 'damaged'])
    vi.advanceTimersByTime(1)
    problem('disk full')
    expect(printed).toEqual(['disk full', 'damaged', 'disk full'])
  })
})
