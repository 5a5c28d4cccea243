import type { Plugin } from 'vite'

export function iconSprite(srcDir: string): Plugin
export function precompress(): Plugin
