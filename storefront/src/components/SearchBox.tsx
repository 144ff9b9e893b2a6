/**
 * The search field with suggestions as you type: an ARIA combobox (arrow keys move through the
 * suggestions, Enter opens the highlighted product or searches for the text, Escape closes).
 */
import { skipToken, useQuery } from '@apollo/client/react';
import { useEffect, useId, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { SearchSuggestionsDocument } from '../generated/graphql.ts';

const SUGGEST_AFTER_MS = 150;

export function SearchBox() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const [prefix, setPrefix] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listId = useId();

  // Waits for a pause in typing: one request per word, not per key.
  useEffect(() => {
    const timer = setTimeout(() => {
      setPrefix(text.trim());
    }, SUGGEST_AFTER_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [text]);

  const { data } = useQuery(SearchSuggestionsDocument, prefix.length < 2 ? skipToken : { variables: { prefix } });
  const suggestions = prefix.length < 2 ? [] : (data?.searchSuggestions ?? []);
  const expanded = open && suggestions.length > 0;

  const search = (query: string): void => {
    setOpen(false);
    void navigate(`/?q=${encodeURIComponent(query.trim())}`);
  };
  const choose = (index: number): void => {
    const suggestion = suggestions[index];
    if (!suggestion) return;
    setOpen(false);
    setText(suggestion.text);
    if (suggestion.product) void navigate(`/products/${suggestion.product.id}`);
    else search(suggestion.text);
  };

  return (
    <form
      role="search"
      className="search-box"
      onSubmit={(event) => {
        event.preventDefault();
        if (expanded && active >= 0) choose(active);
        else search(text);
      }}
    >
      <label htmlFor={`${listId}-input`} className="visually-hidden">
        Search products
      </label>
      <input
        id={`${listId}-input`}
        type="search"
        role="combobox"
        autoComplete="off"
        placeholder="Search mobiles, laptops, cameras…"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={`${listId}-list`}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-option-${active}` : undefined}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => {
          setOpen(true);
        }}
        onBlur={() => {
          setOpen(false);
        }}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && suggestions.length > 0) {
            event.preventDefault();
            setOpen(true);
            setActive((index) => (index + 1) % suggestions.length);
          } else if (event.key === 'ArrowUp' && suggestions.length > 0) {
            event.preventDefault();
            setActive((index) => (index <= 0 ? suggestions.length - 1 : index - 1));
          } else if (event.key === 'Escape') {
            setOpen(false);
            setActive(-1);
          }
        }}
      />
      <button type="submit">Search</button>
      <ul id={`${listId}-list`} role="listbox" aria-label="Suggestions" className="suggestions" hidden={!expanded}>
        {suggestions.map((suggestion, index) => (
          <li
            key={`${suggestion.product?.id ?? ''}:${suggestion.text}`}
            id={`${listId}-option-${index}`}
            role="option"
            aria-selected={index === active}
            // Before the input's blur closes the list.
            onMouseDown={(event) => {
              event.preventDefault();
              choose(index);
            }}
          >
            {suggestion.text}
          </li>
        ))}
      </ul>
    </form>
  );
}
