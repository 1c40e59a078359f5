/** Routes: one per screen, hash-based so they work on app:// and on the browser-mode host alike. */
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/overview' },
  {
    path: '/overview',
    name: 'overview',
    component: () => import('./views/overview/index.vue'),
    meta: { title: '总览' },
  },
  { path: '/kanban', name: 'kanban', component: () => import('./views/kanban/index.vue'), meta: { title: '看板' } },
  {
    path: '/projects/:id(\\d+)',
    name: 'project',
    component: () => import('./views/project/index.vue'),
    meta: { title: '项目' },
  },
  { path: '/ranking', name: 'ranking', component: () => import('./views/ranking/index.vue'), meta: { title: '排名' } },
  {
    path: '/problems',
    name: 'problems',
    component: () => import('./views/problems/index.vue'),
    meta: { title: '问题' },
  },
  { path: '/leaders', name: 'leaders', component: () => import('./views/leaders/index.vue'), meta: { title: '领导' } },
  { path: '/todos', name: 'todos', component: () => import('./views/todos/index.vue'), meta: { title: '待办' } },
  // 手机版: the same server and calls, one column for a phone held in one hand (views/mobile).
  { path: '/m', component: () => import('./views/mobile/MobileHome.vue'), meta: { mobile: true, title: '我的项目' } },
  {
    path: '/m/projects/:id(\\d+)',
    component: () => import('./views/mobile/MobileProject.vue'),
    meta: { mobile: true, title: '项目' },
  },
  {
    path: '/m/todos',
    component: () => import('./views/mobile/MobileTodos.vue'),
    meta: { mobile: true, title: '待办' },
  },
  {
    path: '/settings',
    name: 'settings',
    component: () => import('./views/settings/index.vue'),
    meta: { title: '设置' },
  },
  {
    path: '/accounts',
    name: 'accounts',
    component: () => import('./views/accounts/index.vue'),
    meta: { title: '账号管理' },
  },
  // 连接方式 (desktop app): shown on its own, before any login (App.vue), also when the server cannot be reached.
  {
    path: '/connection',
    name: 'connection',
    component: () => import('./views/connection/ConnectionScreen.vue'),
    meta: { title: '连接方式', shell: true },
  },
  // Print views: the documents as they go on paper (no app frame).
  {
    path: '/print/ranking/:period(\\d{4}-\\d{2})',
    name: 'print-ranking',
    component: () => import('./views/print/RankingReport.vue'),
    meta: { title: '排名通报', print: true },
  },
  {
    path: '/print/ledger',
    name: 'print-ledger',
    component: () => import('./views/print/LedgerReport.vue'),
    meta: { title: '重点项目一览表', print: true },
  },
  {
    path: '/print/project/:id(\\d+)',
    name: 'print-project',
    component: () => import('./views/print/ProjectSheet.vue'),
    meta: { title: '一项目一档', print: true },
  },
  {
    path: '/print/problems',
    name: 'print-problems',
    component: () => import('./views/print/ProblemsReport.vue'),
    meta: { title: '问题清单', print: true },
  },
  { path: '/:rest(.*)*', redirect: '/overview' },
]

export function createAppRouter() {
  const router = createRouter({ history: createWebHashHistory(), routes })
  router.afterEach((to) => {
    document.title = `${(to.meta.title as string) ?? ''} · 专班`
  })
  return router
}
