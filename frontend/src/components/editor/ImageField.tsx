import { createContext, useContext, useId, useState } from 'react';
import { uploadImage } from '../../editor/upload';

/** The workspace whose media uploads go to. */
export const WorkspaceContext = createContext('');

/** An image chosen by uploading a file; the document keeps the media address. */
export function ImageField({
  label,
  value,
  onChange,
  removable = true,
}: {
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  removable?: boolean;
}) {
  const workspaceId = useContext(WorkspaceContext);
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const upload = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      onChange((await uploadImage(workspaceId, file)).url);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'The upload failed.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="field">
      <span className="field-label" id={`${id}-label`}>
        {label}
      </span>
      {value && <img className="image-preview" src={value} alt="" />}
      <div className="button-row">
        <label className="button">
          {value ? 'Replace' : 'Upload'} {label.toLowerCase()}
          <input
            type="file"
            className="visually-hidden"
            accept="image/jpeg,image/png,image/webp,image/gif"
            disabled={busy}
            onChange={(event) => void upload(event.target.files?.[0])}
          />
        </label>
        {value && removable && (
          <button type="button" className="button" onClick={() => onChange(undefined)}>
            Remove
          </button>
        )}
      </div>
      {busy && (
        <p className="hint" role="status">
          Uploading…
        </p>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
