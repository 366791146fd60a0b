// A clock for relative hints ("还剩 3 小时"): one shared ref, ticking every 30 s while used.
import { onBeforeUnmount, onMounted, ref } from 'vue'

const now = ref(Date.now())
let users = 0
let timer: ReturnType<typeof setInterval> | null = null

export function useNow() {
  onMounted(() => {
    now.value = Date.now()
    if (users++ === 0) timer = setInterval(() => (now.value = Date.now()), 30_000)
  })
  onBeforeUnmount(() => {
    if (--users === 0 && timer) {
      clearInterval(timer)
      timer = null
    }
  })
  return now
}
