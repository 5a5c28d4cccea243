export const legal = {
  accessibility: {
    title: 'Dichiarazione di accessibilità',
    intro: 'Il Dipartimento della Funzione Pubblica si impegna a rendere il Tavolo accessibile, conformemente alla Legge 9 gennaio 2004, n. 4 e alle Linee guida AgID sull’accessibilità degli strumenti informatici, che recepiscono la norma EN 301 549 e le WCAG 2.1 livello AA.',
    statusTitle: 'Stato di conformità',
    status: 'Il Tavolo è progettato per essere conforme alle WCAG 2.1 livello AA: struttura con intestazioni e punti di riferimento, navigazione completa da tastiera con focus visibile, collegamento per saltare al contenuto, etichette per ogni campo, errori dei moduli annunciati e collegati ai campi, contrasto dei colori adeguato, aggiornamenti in tempo reale annunciati senza spostare il focus.',
    feedbackTitle: 'Segnalazioni e contatti',
    feedback: 'Se incontri un ostacolo nell’uso del Tavolo, scrivi allo staff del Cantiere nella categoria «Assistenza piattaforma» del forum o all’indirizzo del referente del Cantiere indicato nel bando. Se la risposta non è soddisfacente puoi ricorrere al Difensore civico per il digitale presso AgID.',
    dateTitle: 'Redazione della dichiarazione',
    date: 'Dichiarazione redatta sulla base di un’autovalutazione effettuata dal fornitore.',
  },
  privacy: {
    title: 'Informativa sul trattamento dei dati personali',
    subtitle: 'ai sensi dell’art. 13 del Regolamento (UE) 2016/679 (GDPR)',
    sections: [
      { title: 'Titolare del trattamento', body: 'Il titolare del trattamento è il Dipartimento della Funzione Pubblica della Presidenza del Consiglio dei Ministri, che organizza il Cantiere Esternalizzazioni.' },
      { title: 'Dati trattati', body: 'Trattiamo i dati che fornisci per partecipare al Cantiere: nome e cognome, indirizzo email, amministrazione di appartenenza e ruolo, i contenuti che pubblichi (messaggi, allegati, reazioni) con la cronologia delle modifiche, le bozze che il Tavolo salva mentre scrivi, le notifiche, le discussioni e categorie che segui e fin dove hai letto ogni discussione. Le password sono conservate solo come impronta non reversibile (argon2id). L’indirizzo IP serve, solo nella memoria del server e senza essere registrato, a limitare i tentativi di accesso.' },
      { title: 'Finalità e base giuridica', body: 'I dati servono a gestire l’iscrizione delle amministrazioni, gli account dei partecipanti e le attività del Cantiere. La base giuridica è l’esecuzione di un compito di interesse pubblico (art. 6, par. 1, lett. e, GDPR).' },
      { title: 'Cookie', body: 'Il Tavolo usa soltanto cookie tecnici: un cookie di sessione necessario per restare collegati (dura fino all’uscita o alla scadenza della sessione), un cookie di protezione dei moduli (CSRF) e un cookie che ricorda per un anno la lingua scelta. Nella memoria locale del browser conserva anche le bozze dei messaggi che stai scrivendo, finché non le invii o le svuoti. Non usa cookie di profilazione né strumenti di analisi di terze parti, per questo non è mostrato alcun banner dei cookie.' },
      { title: 'Conservazione', body: 'I dati sono conservati per la durata del Cantiere e per il tempo necessario agli adempimenti successivi; le sessioni scadute sono cancellate automaticamente, i link di invito o di reimpostazione della password una settimana dopo la scadenza.' },
      { title: 'Destinatari', body: 'I dati sono trattati dal personale autorizzato del Dipartimento e dal fornitore della piattaforma in qualità di responsabile del trattamento. I contenuti pubblicati nel forum sono visibili agli altri partecipanti al Cantiere. I dati non sono trasferiti fuori dall’Unione europea.' },
      { title: 'Diritti', body: 'Puoi correggere nome, lingua e password dal tuo profilo. Per chiedere l’accesso ai tuoi dati, la rettifica, la cancellazione, la limitazione del trattamento o per opporti al trattamento (artt. 15–21 GDPR) scrivi allo staff del Cantiere nella categoria «Assistenza piattaforma» del forum: il Tavolo non ha una funzione di esportazione o di cancellazione dell’account in autonomia. Puoi anche proporre reclamo al Garante per la protezione dei dati personali.' },
    ],
  },
  formNote: { before: 'I dati personali che inserisci sono trattati come descritto nell’', link: 'informativa sul trattamento dei dati personali', after: '.' },
}
