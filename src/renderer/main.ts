import { createApp } from 'vue'
import App from './App.vue'
import { createClient } from './api/client'
import { pickTransport } from './api/transport'
import { CLIENT_KEY } from './api/inject'

createApp(App).provide(CLIENT_KEY, createClient(pickTransport())).mount('#app')
