/** Whole seconds left until `deadline` (ISO), never below zero. */
export function secondsLeft(deadline: string, now: number = Date.now()): number {
  return Math.max(0, Math.ceil((Date.parse(deadline) - now) / 1000));
}

/** 905 → "15:05", 3725 → "1:02:05". */
export function formatCountdown(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
