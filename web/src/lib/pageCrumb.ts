// The last breadcrumb of a page that shows one record (e.g. the customer's name on the
// customer 360 page), set by the page once the record is loaded; cleared on every
// navigation by the shell.
import { ref } from 'vue'

export const pageCrumb = ref('')
