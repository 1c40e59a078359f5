import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import './styles.css'
import './views/mobile/mobile.css'
import App from './App.vue'
import { createClient } from './api/client'
import { installClient, installLive } from './api'
import { pickTransport } from './api/transport'
import { createAppRouter } from './router'

const bridge = pickTransport()
installClient(createClient(bridge))
installLive(bridge.subscribe ? (listener, onConnection) => bridge.subscribe!(listener, onConnection) : null)
createApp(App).use(createPinia()).use(createAppRouter()).use(ElementPlus, { locale: zhCn }).mount('#app')
