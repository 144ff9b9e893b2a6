import { useState } from 'react';

/** A product picture, or a lettered tile when there is none or it cannot load. */
export function ProductImage({
  url,
  alt,
  name,
  size,
}: {
  url: string | null;
  alt: string;
  name: string;
  size: 'thumb' | 'large';
}) {
  const [failed, setFailed] = useState(false);
  if (url === null || failed) {
    return (
      <div className={`image image-${size} image-placeholder`} role="img" aria-label={alt}>
        <span aria-hidden="true">{name.slice(0, 1).toUpperCase()}</span>
      </div>
    );
  }
  return (
    <img
      className={`image image-${size}`}
      src={url}
      alt={alt}
      loading={size === 'thumb' ? 'lazy' : 'eager'}
      onError={() => {
        setFailed(true);
      }}
    />
  );
}
