import { afterEach, describe, expect, it, vi } from 'vitest'
import { api, requestEarly } from './client'

function stubFetch() {
  const calls: string[] = []
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    calls.push(`${init.method} ${url}`)
    return Promise.resolve(new Response(JSON.stringify({ n: calls.length }), { status: 200 }))
  })
  return calls
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('requestEarly', () => {
  it('answers the first later GET of the same URL from the early request, then asks again', async () => {
    const calls = stubFetch()
    requestEarly(() => api.get('/session'))
    const cases: [string, unknown, number][] = [
      ['taken from the early request', await api.get('/session'), 1],
      ['asked again once taken', await api.get('/session'), 2],
    ]
    for (const [name, got, want] of cases) expect(got, name).toEqual({ n: want })
    expect(calls).toEqual(['GET /api/v1/session', 'GET /api/v1/session'])
  })

  it('keeps only the URL asked for, query included', async () => {
    const calls = stubFetch()
    requestEarly(() => api.get('/threads/a', { query: { view: 'tree', page: 1 } }))
    await api.get('/threads/a', { query: { view: 'tree', page: 2 } })
    await api.get('/threads/a', { query: { view: 'tree', page: 1 } })
    expect(calls).toEqual(['GET /api/v1/threads/a?view=tree&page=1', 'GET /api/v1/threads/a?view=tree&page=2'])
  })

  it('does not keep requests made outside it, nor an answer older than 10 s', async () => {
    const calls = stubFetch()
    await api.get('/categories')
    await api.get('/categories')
    vi.useFakeTimers({ toFake: ['Date'] })
    requestEarly(() => api.get('/session'))
    vi.setSystemTime(Date.now() + 11_000)
    await api.get('/session')
    expect(calls).toHaveLength(4)
  })

  it('hands an early failure to the taker', async () => {
    vi.stubGlobal('fetch', () => Promise.resolve(new Response(JSON.stringify({ error: { code: 'not_found', message: 'no' } }), { status: 404 })))
    requestEarly(() => api.get('/threads/x'))
    await expect(api.get('/threads/x')).rejects.toMatchObject({ status: 404, code: 'not_found' })
  })
})
