/** How far apart two placings of one line are, in the largest unit that reads well: "40 s", "3 min", "1 h 5 min". */
export function lateBy(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
}
