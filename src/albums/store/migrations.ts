// The album store's schema, forward-only. Never edit an applied migration (its checksum is
// checked at start-up); add a new version instead.
import type { Migration } from '../../platform/db/index.ts'

export const ALBUM_SCHEMA = 'albums'

export const albumMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'albums table with the seed catalog',
    // double precision keeps any JSON price the API accepts exactly (17.999 stays 17.999).
    sql: `CREATE TABLE albums (
  id bigint PRIMARY KEY,
  title text NOT NULL,
  artist text NOT NULL,
  price double precision NOT NULL,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO albums (id, title, artist, price) VALUES
  (1, 'Blue Train', 'John Coltrane', 56.99),
  (2, 'Jeru', 'Gerry Mulligan', 17.99),
  (3, 'Sarah Vaughan and Clifford Brown', 'Sarah Vaughan', 39.99);`,
  },
  {
    version: 2,
    name: 'filter indexes',
    // Keyset pages filtered by artist or price walk these in id order.
    sql: `CREATE INDEX albums_artist_id ON albums (artist, id);
CREATE INDEX albums_price ON albums (price);`,
  },
]
