/** The one narrow bridge the renderer gets: invoke a contract call. Nothing else of Electron or Node. */
import { contextBridge, ipcRenderer } from 'electron'
import type { Bridge } from '../src/shared/bridge'

const bridge = {
  invoke: (name, input) => ipcRenderer.invoke('zhuanban:invoke', name, input),
} satisfies Bridge

contextBridge.exposeInMainWorld('zhuanban', bridge)
