/**
 * Money in 万元 with two decimals, held exactly as an integer count of 0.01 万元 (that is, of 100 元).
 * Binary floats drift when a county sums thousands of monthly reports; integers do not.
 */

/** An amount in hundredths of 万元. 1234.56 万元 is 123456. */
export type Money = number

/** The largest amount accepted anywhere: 9,999,999,999.99 万元 (far above any real project). */
export const MAX_MONEY: Money = 999_999_999_999

/** "1,234.56" — grouping as Chinese offices write it, always two decimals. */
export function formatMoney(amount: Money, options: { grouping?: boolean } = {}): string {
  const negative = amount < 0
  const abs = Math.abs(amount)
  const whole = Math.floor(abs / 100)
  const frac = String(abs % 100).padStart(2, '0')
  // A regular expression, not toLocaleString: the lights format thousands of amounts per ranking, and Intl
  // is about ten times slower (measured at 10,000 projects).
  const wholeText = options.grouping === false ? String(whole) : String(whole).replace(/\B(?=(\d{3})+$)/g, ',')
  return `${negative ? '-' : ''}${wholeText}.${frac}`
}

/** Adds amounts exactly; integers stay exact well past any county's totals (2^53 hundredths of 万元). */
export function sumMoney(amounts: Iterable<Money>): Money {
  let total = 0
  for (const a of amounts) total += a
  return total
}

/** Whether a number is a valid stored amount: a safe integer within ±MAX_MONEY. */
export function isMoney(value: unknown): value is Money {
  return Number.isSafeInteger(value) && Math.abs(value as number) <= MAX_MONEY
}
