// Keyset paging with "previous": the API only gives the cursor of the next page, so the
// console keeps the cursors of the pages it has passed on a stack.
export class CursorPager {
  private stack: (string | null)[] = []
  private current: string | null = null
  private nextCursor: string | null = null

  // The cursor to send for the page now shown (null = first page).
  get cursor(): string | null {
    return this.current
  }
  get page(): number {
    return this.stack.length + 1
  }
  get hasPrev(): boolean {
    return this.stack.length > 0
  }
  get hasNext(): boolean {
    return this.nextCursor !== null
  }

  // Record the `next` of the page just loaded.
  loaded(next: string | null | undefined): void {
    this.nextCursor = next ?? null
  }

  // Move forward; returns the cursor to load, or null when there is no next page.
  forward(): string | null {
    if (this.nextCursor === null) return null
    this.stack.push(this.current)
    this.current = this.nextCursor
    this.nextCursor = null
    return this.current
  }

  // Move back; returns false on the first page.
  back(): boolean {
    if (!this.stack.length) return false
    this.current = this.stack.pop() ?? null
    this.nextCursor = null
    return true
  }

  reset(): void {
    this.stack = []
    this.current = null
    this.nextCursor = null
  }
}
