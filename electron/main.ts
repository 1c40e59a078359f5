/** Electron's main entry. All behaviour is in ./desktop.ts (tested with electron mocked). */
import { runDesktop } from './desktop'

runDesktop()
