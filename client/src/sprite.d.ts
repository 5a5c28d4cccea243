/** The URL of the icon sprite: only the icons the sources name (client/build/plugins.mjs). */
declare module 'virtual:tavolo-sprite' {
  const url: string
  export default url
}
