import { useEffect, useState } from 'react';
import { formatCountdown, secondsLeft } from '../lib/countdown.ts';

/** Time left to pay before the reservation lapses, ticking each second (silent to screen readers). */
export function Countdown({ until, label }: { until: string; label: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
    }, 1000);
    return () => {
      clearInterval(timer);
    };
  }, []);
  const left = secondsLeft(until, now);
  return (
    <p className={left < 60 ? 'countdown countdown-urgent' : 'countdown'} data-testid="countdown">
      {label}{' '}
      <time role="timer" aria-live="off" dateTime={until}>
        {formatCountdown(left)}
      </time>
    </p>
  );
}
