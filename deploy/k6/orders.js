// k6 load test for the bakery order API, equivalent to the seed's (whatsfordinner/bakery): 15
// virtual users for 15 minutes, each ordering a random pastry for a random customer and then
// sleeping 1 s. Kept in step with the API and the menu by test/k6.test.ts.
//
//   k6 run deploy/k6/orders.js                                   # against http://127.0.0.1:8000
//   k6 run -e BAKERY_URL=http://reception:8000 deploy/k6/orders.js
//   k6 run --vus 50 --duration 1m deploy/k6/orders.js            # flags override the options
//
// `npx bakery load --vus 15 --think 1s --duration 15m` does the same without k6 and also follows
// every order to `finished`.
import { check, sleep } from 'k6'
import http from 'k6/http'

export const options = {
  vus: 15,
  duration: '15m',
  thresholds: {
    // the seed had none; these make a broken run fail instead of only printing figures
    checks: ['rate>0.99'],
    http_req_failed: ['rate<0.01'],
  },
}

const BASE_URL = (__ENV.BAKERY_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '')
const CUSTOMERS = ['homer', 'fry', 'tuca', 'bertie']
const PASTRIES = [
  'croissant',
  'kouign-amann',
  'la bombe',
  'escargot',
  'almond croissant',
  'profiterole',
  'caramel tart',
]
const ORDER_KEY = /^[0-9a-f]{32}$/
const pick = (items) => items[Math.floor(Math.random() * items.length)]

export default function () {
  const body = JSON.stringify({ customer: pick(CUSTOMERS), pastry: pick(PASTRIES) })
  const res = http.post(`${BASE_URL}/orders`, body, {
    headers: { 'Content-Type': 'application/json' },
    tags: { name: 'POST /orders' },
  })
  check(res, {
    'order accepted (202)': (r) => r.status === 202,
    'orderKey is 32 hex characters': (r) => r.status === 202 && ORDER_KEY.test(String(r.json('orderKey'))),
  })
  sleep(1)
}
