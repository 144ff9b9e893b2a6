/** An average rating as stars, with the numbers for screen readers and the curious. */
export function Rating({ average, count }: { average: number | null; count: number }) {
  if (average === null || count === 0) return <span className="muted">No ratings yet</span>;
  const full = Math.round(average);
  return (
    <span
      className="rating"
      aria-label={`Rated ${average.toFixed(1)} out of 5 by ${count} ${count === 1 ? 'shopper' : 'shoppers'}`}
    >
      <span aria-hidden="true" className="stars">
        {'★'.repeat(full)}
        {'☆'.repeat(5 - full)}
      </span>{' '}
      <span aria-hidden="true">
        {average.toFixed(1)} ({count})
      </span>
    </span>
  );
}
