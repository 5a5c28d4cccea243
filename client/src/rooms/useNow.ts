import { useEffect, useState } from 'react'

/** Date.now(), refreshed every second while active (countdowns, typing expiry). */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    setNow(Date.now())
    const h = window.setInterval(() => setNow(Date.now()), 1000)
    return () => window.clearInterval(h)
  }, [active])
  return now
}
