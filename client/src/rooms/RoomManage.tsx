// A moderator's controls of the room: archive or reopen, slow mode.
import { useState } from 'react'
import { useI18n } from '../i18n'
import { apiErrorMessage, SuccessMessage } from '../components/forms'
import { ErrorAlert } from '../forum/common'
import { roomsApi, type Room, type RoomPatch } from './api'

export const SLOW_MODES = [0, 10, 30, 60, 300]

export function RoomManage({ room, onChange }: { room: Room; onChange: (r: Room) => void }) {
  const { t } = useI18n()
  const tr = t.rooms
  const [open, setOpen] = useState(false)
  const [slow, setSlow] = useState(room.slow_mode_s)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState('')
  const [error, setError] = useState('')
  const patch = (p: RoomPatch, ok: string) => {
    setBusy(true)
    setDone('')
    setError('')
    roomsApi.update(room.id, p).then(
      (r) => {
        setBusy(false)
        onChange({ ...r, me: r.me ?? room.me })
        setDone(ok)
      },
      (e: unknown) => {
        setBusy(false)
        setError(apiErrorMessage(e, t))
      },
    )
  }
  const modes = SLOW_MODES.includes(room.slow_mode_s) ? SLOW_MODES : [...SLOW_MODES, room.slow_mode_s].sort((a, b) => a - b)
  return (
    <div className="room-manage mb-3">
      <button type="button" className="btn btn-outline-primary btn-sm" aria-expanded={open} aria-controls="room-manage-panel" onClick={() => setOpen(!open)}>
        {tr.manage}
      </button>
      <div id="room-manage-panel" hidden={!open} className="mt-2 p-3 border rounded">
        <ErrorAlert text={error} />
        <SuccessMessage text={done} />
        <div className="d-flex flex-wrap align-items-end gap-3">
          <div className="select-wrapper mb-0">
            <label htmlFor="room-slow">{tr.slowModeLabel}</label>
            <select id="room-slow" value={slow} onChange={(e) => setSlow(Number(e.target.value))}>
              {modes.map((s) => (
                <option key={s} value={s}>
                  {s === 0 ? tr.slowOff : tr.slowSeconds(s)}
                </option>
              ))}
            </select>
          </div>
          <button type="button" className="btn btn-primary btn-sm" disabled={busy || slow === room.slow_mode_s} onClick={() => patch({ slow_mode_s: slow }, tr.slowModeSaved)}>
            {t.common.save}
          </button>
          <button type="button" className="btn btn-outline-danger btn-sm" disabled={busy} onClick={() => patch({ archived: !room.archived }, room.archived ? tr.unarchivedDone : tr.archivedDone)}>
            {room.archived ? tr.unarchive : tr.archive}
          </button>
        </div>
      </div>
    </div>
  )
}
