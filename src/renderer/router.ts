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
  {
    path: '/settings',
    name: 'settings',
    component: () => import('./views/settings/index.vue'),
    meta: { title: '设置' },
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
