import sprite from 'virtual:tavolo-sprite'

/**
 * An icon from bootstrap-italia's sprite (`it-user`, `it-close`…): the build keeps only
 * the icons whose names appear literally in the sources.
 * Decorative by default; pass `title` for a meaningful icon.
 */
export function Icon({ name, className = '', title, size, color }: { name: string; className?: string; title?: string; size?: 'xs' | 'sm' | 'lg' | 'xl'; color?: 'primary' | 'white' | 'light' | 'secondary' | 'success' | 'danger' | 'warning' }) {
  const classes = ['icon', size ? `icon-${size}` : '', color ? `icon-${color}` : '', className].filter(Boolean).join(' ')
  return (
    <svg className={classes} aria-hidden={title ? undefined : true} role={title ? 'img' : undefined} focusable="false">
      {title ? <title>{title}</title> : null}
      <use href={`${sprite}#${name}`} />
    </svg>
  )
}
