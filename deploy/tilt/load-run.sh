#!/usr/bin/env bash
# Tilt's "load-run" button: sends ORDERS orders (default 3000) to the reception at URL (default the
# port-forwarded http://127.0.0.1:8000), CONCURRENCY at a time, with the seed's customers and
# pastries, then prints how many were accepted. Bounded in count; stops by itself.
set -euo pipefail
url="${URL:-http://127.0.0.1:8000}"
orders="${ORDERS:-3000}"
concurrency="${CONCURRENCY:-8}"
customers=(homer fry tuca bertie)
pastries=(croissant kouign-amann "la bombe" escargot "almond croissant" profiterole "caramel tart")
accepted=$(
  for i in $(seq 1 "$orders"); do
    printf '{"customer":"%s","pastry":"%s"}\n' "${customers[i % 4]}" "${pastries[i % 7]}"
  done | xargs -d '\n' -P "$concurrency" -I{} \
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 -X POST -H 'content-type: application/json' -d {} "$url/orders" |
    grep -c '^202$' || true
)
echo "load-run: $accepted of $orders orders accepted by $url"
[ "$accepted" -gt 0 ]
