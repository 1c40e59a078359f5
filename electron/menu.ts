/** The Chinese application menu: 文件 / 编辑 / 视图 / 帮助. */
import type { MenuItemConstructorOptions } from 'electron'
import type { AppCommand } from '../src/shared/bridge'

export interface MenuActions {
  send(command: AppCommand): void
  showDataFolder(): void
  /** The 连接方式 screen (本机数据 or 县服务器). */
  showConnection(): void
  quit(): void
  isDev: boolean
}

export function buildMenuTemplate(actions: MenuActions): MenuItemConstructorOptions[] {
  return [
    {
      label: '文件(&F)',
      submenu: [
        { label: '打印…', accelerator: 'CmdOrCtrl+P', click: () => actions.send('print') },
        { type: 'separator' },
        { label: '数据备份与恢复…', click: () => actions.send('backup') },
        { label: '打开数据文件夹', click: () => actions.showDataFolder() },
        { label: '连接方式…', click: () => actions.showConnection() },
        { type: 'separator' },
        { label: '退出', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
      ],
    },
    {
      label: '编辑(&E)',
      submenu: [
        { label: '撤销', role: 'undo' },
        { label: '重做', role: 'redo' },
        { type: 'separator' },
        { label: '剪切', role: 'cut' },
        { label: '复制', role: 'copy' },
        { label: '粘贴', role: 'paste' },
        { label: '全选', role: 'selectAll' },
      ],
    },
    {
      label: '视图(&V)',
      submenu: [
        { label: '刷新', role: 'reload' },
        { type: 'separator' },
        { label: '实际大小', role: 'resetZoom' },
        { label: '放大', role: 'zoomIn' },
        { label: '缩小', role: 'zoomOut' },
        { type: 'separator' },
        { label: '全屏', role: 'togglefullscreen' },
        ...(actions.isDev ? [{ label: '开发者工具', role: 'toggleDevTools' } as const] : []),
      ],
    },
    {
      label: '帮助(&H)',
      submenu: [{ label: '关于专班', click: () => actions.send('about') }],
    },
  ]
}
