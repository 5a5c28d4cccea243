import { API_BASE, ApiError, csrfToken, toApiError } from '../api/client'
import type { Attachment } from './api'

/** POST /attachments with progress (fetch cannot report upload progress). */
export function uploadAttachment(file: File, onProgress: (pct: number) => void): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', API_BASE + '/attachments')
    xhr.setRequestHeader('X-CSRF-Token', csrfToken())
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.withCredentials = true
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100))
    }
    xhr.onerror = () => reject(new ApiError(0, 'network', ''))
    xhr.onload = () => {
      let data: unknown
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined
      } catch {
        data = undefined
      }
      if (xhr.status === 201 || xhr.status === 200) {
        resolve(data as Attachment)
        return
      }
      reject(toApiError(xhr.status, data, xhr.getResponseHeader('Retry-After')))
    }
    const fd = new FormData()
    fd.append('file', file)
    xhr.send(fd)
  })
}
