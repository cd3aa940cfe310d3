// Prices an order from the menu: each item's coffee price plus its size's surcharge, in cents-exact
// decimals, with the coffee's brew time from the menu. A coffee or size the menu does not know is a 400 that lists the valid ones.
import type { Menu, StoredItem } from './store.ts'
import { badRequest } from './validate.ts'

const cents = (n: number) => Math.round(n * 100) / 100

export function priceItems(menu: Menu, items: readonly { type: string; size: string }[]): StoredItem[] {
  return items.map((item, i) => {
    const coffee = menu.coffees.find((c) => c.name === item.type)
    if (!coffee) {
      throw badRequest('the requested coffee is not supported yet', [
        { field: `items.${i}.type`, message: `must be one of ${menu.coffees.map((c) => c.name).join(', ')}` },
      ])
    }
    const surcharge = menu.sizes.get(item.size)
    if (surcharge === undefined) {
      throw badRequest('the requested size is not supported', [
        { field: `items.${i}.size`, message: `must be one of ${[...menu.sizes.keys()].join(', ')}` },
      ])
    }
    return {
      type: item.type,
      size: item.size,
      price: cents(coffee.price + surcharge),
      state: 'pending',
      brewMs: coffee.brew_ms,
    }
  })
}

export function orderTotal(items: readonly StoredItem[]): number {
  return cents(items.reduce((sum, i) => sum + i.price, 0))
}
