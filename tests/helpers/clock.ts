/** The tests' fixed "today": 2026-11-21, noon in China (no vitest import, so scripts can use it too). */
export const TODAY = '2026-11-21'
export const fixedClock = () => new Date('2026-11-21T04:00:00Z')
