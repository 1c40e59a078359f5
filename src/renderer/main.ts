import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import './styles.css'
import App from './App.vue'
import { createClient } from './api/client'
import { installClient } from './api'
import { pickTransport } from './api/transport'
import { createAppRouter } from './router'

installClient(createClient(pickTransport()))
createApp(App).use(createPinia()).use(createAppRouter()).use(ElementPlus, { locale: zhCn }).mount('#app')
