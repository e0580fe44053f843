PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
INSERT INTO grdb_migrations VALUES('v1: event log, session summary, document versions');
INSERT INTO grdb_migrations VALUES('v2: audit summary');
INSERT INTO grdb_migrations VALUES('v3: audit cells');
INSERT INTO grdb_migrations VALUES('v4: session seals, issued documents');
INSERT INTO grdb_migrations VALUES('v5: patient columns of the session summary');
CREATE TABLE metadata (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO metadata VALUES('database_id','ee9d0dc0-0cdd-4c44-82c4-833cfd4c2f58');
INSERT INTO metadata VALUES('audit_summary_complete','1');
INSERT INTO metadata VALUES('sessions_sealed','1');
INSERT INTO metadata VALUES('centre_seal','1:1:ab4a216d079941403f3fa2829c471050c17fc477647e91b2bf3915d330589ea7');
CREATE TABLE session (
    number INTEGER PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    started_at TEXT NOT NULL,
    closed_at TEXT,
    event_count INTEGER NOT NULL,
    topic TEXT NOT NULL,
    completeness INTEGER
, patient_ins TEXT, ipp TEXT, ipp_root TEXT, clinician_id TEXT, birth_family_name TEXT, first_given_name TEXT, birth_date TEXT);
INSERT INTO session VALUES(1,'closed','2026-03-02T09:30:00Z','2026-03-02T09:30:00Z',21,'Cancer de la prostate localisé',92,'158056912345606','IPP-77','1.2.250.1.999.7.2','810123456781','MARCHAND','LUC','1958-05-17');
INSERT INTO session VALUES(2,'open','2026-03-02T09:30:00Z',NULL,6,'Cancer du sein',NULL,NULL,'IPP-8','1.2.250.1.999.7.2','810123456781','DUPONT','MARIE','1970-01-02');
INSERT INTO session VALUES(3,'closed','2026-03-02T09:30:00Z','2026-03-02T09:30:00Z',6,'Décision de traitement après la RCP',38,'262012A00412302','1234567890121','1.2.3.4.567.8.9.10','810123456781','D''ALEMBERT-NOEL','HELENE','1962-01-15');
CREATE TABLE event (
    seq INTEGER PRIMARY KEY,
    session_number INTEGER REFERENCES session(number),
    session_seq INTEGER,
    recorded_at TEXT NOT NULL,
    author TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    reason TEXT,
    chain TEXT NOT NULL,
    UNIQUE (session_number, session_seq),
    CHECK ((session_number IS NULL) = (session_seq IS NULL))
);
INSERT INTO event VALUES(1,NULL,NULL,'2026-03-02T09:30:00Z','os:unknown','centre-settings-changed','{"centreSettingsChanged":{"_0":{"address":"28 rue Laennec, 69008 LYON","facility":{"code":"SA36","code_system":"1.2.250.1.71.4.2.4","display_name":"Centre anti-cancer"},"finess":"690000880","name":"Centre exemple","oid_root":"1.2.250.1.999.7","practice_setting":{"code":"ETABLISSEMENT","code_system":"1.2.250.1.213.1.1.4.9","display_name":"Etablissement de santé"}}}}',NULL,'fcf9aec36660c737c0bca39049ad42187db03bd5ee238c3ab06b273f1abbbe45');
INSERT INTO event VALUES(2,1,1,'2026-03-02T09:30:00Z','810123456781','session-started','{"sessionStarted":{"_0":{"clinician_id":"810123456781","clinician_name":"Dr Hélène Roussel","condition":{"text":"Adénocarcinome de la prostate"},"ipp":{"extension":"IPP-77","root":"1.2.250.1.999.7.2"},"patient":{"birthDate":"1958-05-17","birthFamilyName":"MARCHAND-D''ESTE","birthGivenNames":"LUC JEAN-BAPTISTE","birthplaceCode":"69123","firstBirthGivenName":"LUC","ins":"158056912345606","insOID":"1.2.250.1.213.1.4.10","sex":"M","usedGivenName":"Jean"},"patient_present":true,"topic":"Cancer de la prostate localisé"}}}',NULL,'5a3f499a1a1534f356279d780995d867a5530ed778c8485fa098ea240dd6a1f9');
INSERT INTO event VALUES(3,1,2,'2026-03-02T09:30:00Z','810123456781','participant-added','{"participantAdded":{"name":"Anne Marchand","role":"trusted-person"}}',NULL,'ad3fb16eecc03301d6fb3c391bd2ad792119f5503cc615a754ce25d581974e48');
INSERT INTO event VALUES(4,1,3,'2026-03-02T09:30:00Z','810123456781','option-added','{"optionAdded":{"benefits":["Évite les effets indésirables d''un traitement"],"harms":["Biopsies répétées"],"kind":"active-surveillance","label":"Surveillance active"}}',NULL,'5ba92e15faafab8b147fecfd10507a5e144c7140a921b9488938a588eb98af0d');
INSERT INTO event VALUES(5,1,4,'2026-03-02T09:30:00Z','810123456781','option-added','{"optionAdded":{"benefits":[],"harms":[],"kind":"treatment","label":"Prostatectomie totale"}}',NULL,'0452b904bccfe740f7d0757a80c271232f8c13cf7d980c0e933d551629c32fac');
INSERT INTO event VALUES(6,1,5,'2026-03-02T09:30:00Z','810123456781','option-added','{"optionAdded":{"benefits":[],"harms":[],"kind":"clinical-trial","label":"Essai","trialID":"NCT00000000"}}',NULL,'fe414e1489ae3f6a82d2a74031073ccde74a696e2c29bfa223fce3b822366cbf');
INSERT INTO event VALUES(7,1,6,'2026-03-02T09:30:00Z','810123456781','preference-added','{"preferenceAdded":{"importance":5,"text":"Garder une continence normale"}}',NULL,'4ead8e15303bcce12b3ab93b39974511fd9ae25e702425a34fa20119bdb74880');
INSERT INTO event VALUES(8,1,7,'2026-03-02T09:30:00Z','810123456781','preference-added','{"preferenceAdded":{"text":"Voyager"}}',NULL,'13fcba32ead7f5bbab759b2e742832356ac7f84be267e69ad7d377e91b62def5');
INSERT INTO event VALUES(9,1,8,'2026-03-02T09:30:00Z','810123456781','phase-started','{"phaseStarted":{"_0":"team"}}',NULL,'df995b897bcf0387c10000f93a12f0d5b01c9dda01471d0543c2454bbf5a37b3');
INSERT INTO event VALUES(10,1,9,'2026-03-02T09:30:00Z','810123456781','decision-aid-given','{"decisionAidGiven":{"name":"Aide à la décision","version":"2"}}',NULL,'74aca2e1f92da39f5da3f508357ffc4d4a6f0375b7e677d3e4343f06d92502fb');
INSERT INTO event VALUES(11,1,10,'2026-03-02T09:30:00Z','810123456781','understanding-checked','{"understandingChecked":{"method":"reformulation"}}',NULL,'9a57646a310b84da119835f069cda2c491d19af401e1350d77a7289407caeb6a');
INSERT INTO event VALUES(12,1,11,'2026-03-02T09:30:00Z','810123456781','reflection-offered','{"reflectionOffered":{"until":"2026-03-16"}}',NULL,'255cf753d3bbb8632255d1d180c007825021674e9cd0084d22666a05c032007b');
INSERT INTO event VALUES(13,1,12,'2026-03-02T09:30:00Z','810123456781','trial-discussed','{"trialDiscussed":{"answer":"declined","eligibility":"eligible","offered":true}}',NULL,'9302a0ec7d15a07b7a981244f8b12ea75eb712c4cf1c1d3a73923687e2fc6113');
INSERT INTO event VALUES(14,1,13,'2026-03-02T09:30:00Z','810123456781','instrument-recorded','{"instrumentRecorded":{"answers":["5","4","5","3","4","5","5","4","-"],"instrument":"sdm-q-9","respondent":"patient","score":{"complete":false,"confirmed":false,"flags":[],"instrument":"sdm-q-9","subscores":{},"version":"2010"},"version":"2010"}}',NULL,'59d8889ddc987bfeb5561fcfa93225ba5179713891bd9f660fb25efb4cedee5e');
INSERT INTO event VALUES(15,1,14,'2026-03-02T09:30:00Z','810123456781','instrument-recorded','{"instrumentRecorded":{"answers":["C"],"instrument":"cps-preferred","respondent":"patient","score":{"complete":true,"confirmed":false,"flags":["collaborative"],"instrument":"cps-preferred","subscores":{},"version":"1997"},"version":"1997"}}',NULL,'adad01dc8d9d190e6a1d35eaa215d26b3438b3f1d1fa589e085f72144337bfa3');
INSERT INTO event VALUES(16,1,15,'2026-03-02T09:30:00Z','810123456781','decision-recorded','{"decisionRecorded":{"outcome":{"agreed":{"option":1}},"takenBy":["P1","P2","P3"]}}',NULL,'5298c8712f7a94196383ca0a278721fc132df5ad77485b2e5dad8637c1eed15f');
INSERT INTO event VALUES(17,1,16,'2026-03-02T09:30:00Z','810123456781','note-added','{"noteAdded":{"text":"Souhaite en parler à son médecin traitant"}}',NULL,'21faec444c8681f140fc8ffbd865a9f4bd950088e9461338b1a2d043f6cc34f1');
INSERT INTO event VALUES(18,1,17,'2026-03-02T09:30:00Z','810123456781','session-closed','{"sessionClosed":{}}',NULL,'898d5df316381e61ac7c0580a93e7a7fd01a153c3ee5f20d7b7dcbb8d1801e8b');
INSERT INTO event VALUES(19,1,18,'2026-03-02T09:30:00Z','810123456781','document-issued','{"documentIssued":{"_0":{"centre_sequence":1,"document_id":"1.2.250.1.999.7.1.1.1","document_time":"2026-03-02T09:30:00Z","id_root":"1.2.250.1.999.7","profile":"cda-fr","record_sequence":17,"sha256":"bc303758bd055b1e30c16e8ab9799f78ac988b4c939e29d0987c5ff19957ed17","version":1}}}',NULL,'50433673a3bdd0975145b33c2689bee749d1f2da06dc69c4b117c7774517210b');
INSERT INTO event VALUES(20,1,19,'2026-03-02T09:30:00Z','810123456781','note-added','{"noteAdded":{"text":"Appel reçu"}}','appel reçu après la consultation','aae269b705aee6835772f48dfd9b6ee3da4c23c35331818ba58a609b7b3092e3');
INSERT INTO event VALUES(21,1,20,'2026-03-02T09:30:00Z','810123456781','entry-withdrawn','{"entryWithdrawn":{"entry":"M2"}}','mal compris','28a66c3d9310a8499c4b439cf1febe4e0e9f489b702d94e839052e9b2125c4fa');
INSERT INTO event VALUES(22,1,21,'2026-03-02T09:30:00Z','810123456781','identity-corrected','{"identityCorrected":{"_0":{"birth_family_name":"MARCHAND"}}}','erreur de saisie','a99fb7482fc92408c9896884bb8b9172cf866e1a5b9bce0f41e3cc3dd37d4c77');
INSERT INTO event VALUES(23,2,1,'2026-03-02T09:30:00Z','810123456781','session-started','{"sessionStarted":{"_0":{"clinician_id":"810123456781","clinician_name":"Dr Hélène Roussel","identity_status":"provisional","ipp":{"extension":"IPP-8","root":"1.2.250.1.999.7.2"},"patient":{"birthDate":"1970-01-02","birthFamilyName":"DUPONT","birthGivenNames":"MARIE","birthplaceCode":"75056","firstBirthGivenName":"MARIE","sex":"F"},"patient_present":false,"required_elements":["participants","topic","options","benefits-and-harms","what-matters","preferred-role","decision-aid","understanding-checked","decision","reflection-and-next-contact","trial-offer","instruments"],"surveillance_not_reasonable":"Pour un cancer du sein infiltrant opérable, l''abstention chirurgicale ou la simple surveillance n''est pas une option standard ; si elle est envisagée (âge, autres maladies), elle se discute en RCP et s''enregistre comme une option supplémentaire.","template":"early-breast-cancer-surgery@2026.1","topic":"Cancer du sein"}}}',NULL,'03a9f6587f325b40b5ccb819cd5022441abdedb27015568b55af13db1c69b1ea');
INSERT INTO event VALUES(24,2,2,'2026-03-02T09:30:00Z','810123456781','option-added','{"optionAdded":{"benefits":["Conserve le sein.","Survie à long terme au moins équivalente à celle de la mastectomie dans une vaste étude de registre néerlandaise (étude observationnelle). (Survie globale à 10 ans : rapport de risques ajusté 0,81 en faveur de la chirurgie conservatrice avec radiothérapie (37 207 patientes, stades T1–2 N0–1, diagnostiquées de 2000 à 2004)) [Breast-Conserving Surgery Plus Radiotherapy ''At Least Equivalent'' To Mastectomy (ESMO Oncology News, on the Netherlands Cancer Registry study published in The Lancet Oncology), 2016, https://oncologypro.esmo.org/Oncology-News/OncologyNews-archives-2016/Breast-Conserving-Surgery-Plus-Radiotherapy-At-Least-Equivalent-To-Mastectomy]","Après chirurgie conservatrice, la radiothérapie réduit le risque de récidive et de décès par cancer du sein par rapport à l''absence de radiothérapie. (Première récidive (locorégionale ou à distance) à 10 ans : 19,3 % avec radiothérapie contre 35,0 % sans ; décès par cancer du sein à 15 ans : 21,4 % contre 25,2 % (méta-analyse de 17 essais, 10 801 femmes)) [Effect of radiotherapy after breast-conserving surgery on 10-year recurrence and 15-year breast cancer death: meta-analysis of individual patient data for 10 801 women in 17 randomised trials (EBCTCG, Lancet 2011;378:1707-16), 2011, https://pubmed.ncbi.nlm.nih.gov/22019144/]"],"harms":["Radiothérapie du sein pendant plusieurs semaines, avec fatigue et réactions de la peau possibles.","Une nouvelle intervention (reprise chirurgicale ou mastectomie) peut être nécessaire si l''analyse de la pièce montre que les marges ne sont pas saines.","Surveillance du sein conservé par imagerie."],"kind":"treatment","label":"Chirurgie conservatrice suivie de radiothérapie","origin":"template:early-breast-cancer-surgery@2026.1"}}',NULL,'cfcb3aaa5189450376fc5e7a142f5406b7d3e6bc2023d52644c19a6160bb6590');
INSERT INTO event VALUES(25,2,3,'2026-03-02T09:30:00Z','810123456781','option-added','{"optionAdded":{"benefits":["Retire tout le sein ; selon le stade, la radiothérapie n''est pas toujours nécessaire après l''intervention.","Une reconstruction peut être proposée, immédiate ou différée."],"harms":["Perte du sein, avec des conséquences possibles sur l''image du corps et la sexualité.","La reconstruction demande une ou plusieurs interventions supplémentaires."],"kind":"treatment","label":"Mastectomie, avec ou sans reconstruction","origin":"template:early-breast-cancer-surgery@2026.1"}}',NULL,'686032b970fcc19135c34043bb5c0a9d05153ea128f13ca952f5a5b25beae77f');
INSERT INTO event VALUES(26,2,4,'2026-03-02T09:30:00Z','810123456781','participant-added','{"participantAdded":{"name":"Marie Dupont","role":"patient"}}',NULL,'c47e4ee18052c40eb184c982c021195fb0fb00bc0a7784aafd594aedd88b9c4b');
INSERT INTO event VALUES(27,2,5,'2026-03-02T09:30:00Z','810123456781','decision-recorded','{"decisionRecorded":{"outcome":{"deferred":{"nextContact":"2026-03-16"}},"takenBy":[]}}',NULL,'919456295dd95912a68782440b4873b1544e34d6d3f77d71fe3fe861c20fc7c4');
INSERT INTO event VALUES(28,2,6,'2026-03-02T09:30:00Z','810123456781','identity-status-changed','{"identityStatusChanged":{"_0":{"justification":"document","status":"validated"}}}','pièce d''identité vue','cdf00b054030e17661990d09aee3ffa37cb7e6c46594bf25db6f97cd1196627a');
INSERT INTO event VALUES(29,3,1,'2026-03-02T09:30:00Z','810123456781','session-started','{"sessionStarted":{"_0":{"clinician_id":"810123456781","clinician_name":"Dr Hélène Roussel","condition":{"code":"C50.2","code_system":"2.16.840.1.113883.6.3","origin":"rcp","text":"Tumeur maligne du quadrant supéro-interne du sein (droit) — Tumeur maligne, SAI"},"ipp":{"extension":"1234567890121","root":"1.2.3.4.567.8.9.10"},"organisation_finess":"490000049","patient":{"birthDate":"1962-01-15","birthFamilyName":"D''ALEMBERT-NOEL","birthGivenNames":"HELENE FRANCOISE-AGATHE MARIE","birthplaceCode":"2A004","firstBirthGivenName":"HELENE","ins":"262012A00412302","insOID":"1.2.250.1.213.1.4.10","sex":"F","usedFamilyName":"D''ALEMBERT","usedGivenName":"LENA"},"patient_present":true,"rcp":{"document_id":{"root":"1.2.250.1.213.1.1.1.8.2022.2.1"},"meeting_date":"2019-02-18","set_id":{"root":"1.2.250.1.213.1.1.1.8.2022.2"},"trial_proposed":true},"topic":"Décision de traitement après la RCP"}}}',NULL,'b64c224c8448b94800d24094cb717654d532d1102f7935453c9091a17a665142');
INSERT INTO event VALUES(30,3,2,'2026-03-02T09:30:00Z','810123456781','option-added','{"optionAdded":{"benefits":[],"harms":[],"kind":"treatment","label":"Radiothérapie","origin":"rcp"}}',NULL,'b48a888ebf124efc86e98c9d4cc4238171ff6ea56aa98d100f099c1f83014508');
INSERT INTO event VALUES(31,3,3,'2026-03-02T09:30:00Z','810123456781','option-added','{"optionAdded":{"benefits":[],"harms":[],"kind":"treatment","label":"Autre traitement XYZ, puis chimiothérapie conventionnelle","origin":"rcp"}}',NULL,'cdf1695fbeee50c395d05a5f9ac5dba9ec4cc313f3d7617ad83ff2e94d3a5910');
INSERT INTO event VALUES(32,3,4,'2026-03-02T09:30:00Z','810123456781','option-added','{"optionAdded":{"benefits":[],"harms":[],"kind":"active-surveillance","label":"Surveillance seule","origin":"rcp"}}',NULL,'b7befffbe6b8556236e092ef075a7c823f74b66e44fbd7d212cdf823fcd6a8ed');
INSERT INTO event VALUES(33,3,5,'2026-03-02T09:30:00Z','810123456781','decision-recorded','{"decisionRecorded":{"outcome":{"declined":{}},"takenBy":[]}}',NULL,'616444dc5efd693f43aa1c03ff8884266b4ec365f7cd98abff90ca3aa27b2137');
INSERT INTO event VALUES(34,3,6,'2026-03-02T09:30:00Z','810123456781','session-closed','{"sessionClosed":{}}',NULL,'8b25aa5edb8cc8eea06044436eef196934075932427c634084c919c3f05a14c5');
CREATE TABLE document_version (
    session_number INTEGER NOT NULL REFERENCES session(number),
    profile TEXT NOT NULL,
    version INTEGER NOT NULL,
    last_session_seq INTEGER NOT NULL,
    exported_at TEXT NOT NULL,
    PRIMARY KEY (session_number, profile, version)
);
INSERT INTO document_version VALUES(1,'cda-fr',1,17,'2026-03-02T09:30:00Z');
CREATE TABLE audit_session (
    session_number INTEGER PRIMARY KEY REFERENCES session(number),
    event_count INTEGER NOT NULL,
    patient_pseudonym TEXT NOT NULL,
    clinician_idnat_ps TEXT NOT NULL,
    organisation_finess TEXT NOT NULL,
    topic_group TEXT NOT NULL,
    start_month TEXT NOT NULL,
    closed INTEGER NOT NULL,
    closed_at TEXT,
    closed_day TEXT,
    closed_month TEXT,
    patient_present INTEGER NOT NULL,
    relative_present INTEGER NOT NULL,
    preferences_count INTEGER NOT NULL,
    surveillance_discussed INTEGER NOT NULL,
    surveillance_applicable INTEGER NOT NULL,
    trial_offered INTEGER NOT NULL,
    preferred_role TEXT,
    experienced_role TEXT,
    role_concordant INTEGER,
    collaborate_mean REAL,
    collaborate_top INTEGER,
    sdm_q9_score REAL,
    option5_score REAL,
    sure_positive INTEGER,
    decision_outcome TEXT NOT NULL,
    rcp_date TEXT,
    decision_date TEXT,
    days_rcp_to_decision INTEGER,
    completeness INTEGER NOT NULL
);
INSERT INTO audit_session VALUES(1,21,'d272733357eb45651159314569172716aafccab7c9827427ae8d99bb5b93725c','810123456781','690000880','no-template','2026-03',1,'2026-03-02T09:30:00Z','2026-03-02','2026-03',1,1,1,1,1,1,'C',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'agreed',NULL,'2026-03-02',NULL,92);
INSERT INTO audit_session VALUES(2,6,'6560fc054687666ccc1cde768b80faa4bc13e1c49d8e594fbb1b4a4cb4fd79fa','810123456781','690000880','early-breast-cancer-surgery','2026-03',0,NULL,NULL,NULL,1,0,0,0,0,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'deferred',NULL,'2026-03-02',NULL,50);
INSERT INTO audit_session VALUES(3,6,'872d8d2ca7486516883b4396a927693ccd7fa25d27b28f5a34069efce300bdee','810123456781','490000049','no-template','2026-03',1,'2026-03-02T09:30:00Z','2026-03-02','2026-03',1,0,0,1,1,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'declined','2019-02-18','2026-03-02',2569,38);
CREATE TABLE audit_option (
    session_number INTEGER NOT NULL REFERENCES session(number),
    option_number INTEGER NOT NULL,
    kind TEXT NOT NULL,
    origin_kind TEXT NOT NULL,
    PRIMARY KEY (session_number, option_number)
) WITHOUT ROWID;
INSERT INTO audit_option VALUES(1,1,'active-surveillance','typed');
INSERT INTO audit_option VALUES(1,2,'treatment','typed');
INSERT INTO audit_option VALUES(1,3,'clinical-trial','typed');
INSERT INTO audit_option VALUES(2,1,'treatment','template');
INSERT INTO audit_option VALUES(2,2,'treatment','template');
INSERT INTO audit_option VALUES(3,1,'treatment','rcp');
INSERT INTO audit_option VALUES(3,2,'treatment','rcp');
INSERT INTO audit_option VALUES(3,3,'active-surveillance','rcp');
CREATE TABLE audit_instrument (
    session_number INTEGER NOT NULL REFERENCES session(number),
    entry_number INTEGER NOT NULL,
    instrument TEXT NOT NULL,
    version TEXT NOT NULL,
    respondent TEXT NOT NULL,
    score REAL,
    flags TEXT NOT NULL,
    complete INTEGER NOT NULL,
    follow_up INTEGER NOT NULL,
    recorded_month TEXT NOT NULL,
    PRIMARY KEY (session_number, entry_number)
) WITHOUT ROWID;
INSERT INTO audit_instrument VALUES(1,1,'sdm-q-9','2010','patient',NULL,'',0,0,'2026-03');
INSERT INTO audit_instrument VALUES(1,2,'cps-preferred','1997','patient',NULL,'collaborative',1,0,'2026-03');
CREATE TABLE audit_cell (
    dimension TEXT NOT NULL,
    grain TEXT NOT NULL CHECK (grain IN ('month', 'day')),
    period TEXT NOT NULL,
    group_value TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    patient_present INTEGER NOT NULL,
    relative_present INTEGER NOT NULL,
    preferences_recorded INTEGER NOT NULL,
    surveillance_applicable INTEGER NOT NULL,
    surveillance_discussed INTEGER NOT NULL,
    trial_offered INTEGER NOT NULL,
    preferred_role_a INTEGER NOT NULL,
    preferred_role_b INTEGER NOT NULL,
    preferred_role_c INTEGER NOT NULL,
    preferred_role_d INTEGER NOT NULL,
    preferred_role_e INTEGER NOT NULL,
    both_roles INTEGER NOT NULL,
    concordant_roles INTEGER NOT NULL,
    collaborate_encounters INTEGER NOT NULL,
    collaborate_top INTEGER NOT NULL,
    collaborate_ninths INTEGER NOT NULL,
    sdm_q9_count INTEGER NOT NULL,
    sdm_q9_ninths INTEGER NOT NULL,
    option5_count INTEGER NOT NULL,
    option5_ninths INTEGER NOT NULL,
    sure_count INTEGER NOT NULL,
    sure_positive INTEGER NOT NULL,
    deferred INTEGER NOT NULL,
    completeness_sum INTEGER NOT NULL,
    PRIMARY KEY (dimension, grain, period, group_value)
) WITHOUT ROWID;
INSERT INTO audit_cell VALUES('clinician','day','2026-03-02','810123456781',2,2,1,1,2,2,1,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,130);
INSERT INTO audit_cell VALUES('clinician','month','2026-03','810123456781',2,2,1,1,2,2,1,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,130);
INSERT INTO audit_cell VALUES('month','day','2026-03-02','2026-03',2,2,1,1,2,2,1,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,130);
INSERT INTO audit_cell VALUES('month','month','2026-03','2026-03',2,2,1,1,2,2,1,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,130);
INSERT INTO audit_cell VALUES('organisation','day','2026-03-02','490000049',1,1,0,0,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,38);
INSERT INTO audit_cell VALUES('organisation','day','2026-03-02','690000880',1,1,1,1,1,1,1,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,92);
INSERT INTO audit_cell VALUES('organisation','month','2026-03','490000049',1,1,0,0,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,38);
INSERT INTO audit_cell VALUES('organisation','month','2026-03','690000880',1,1,1,1,1,1,1,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,92);
INSERT INTO audit_cell VALUES('topic','day','2026-03-02','no-template',2,2,1,1,2,2,1,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,130);
INSERT INTO audit_cell VALUES('topic','month','2026-03','no-template',2,2,1,1,2,2,1,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,130);
CREATE TABLE audit_cell_days (
    dimension TEXT NOT NULL,
    grain TEXT NOT NULL CHECK (grain IN ('month', 'day')),
    period TEXT NOT NULL,
    group_value TEXT NOT NULL,
    days INTEGER NOT NULL,
    sessions INTEGER NOT NULL,
    PRIMARY KEY (dimension, grain, period, group_value, days)
) WITHOUT ROWID;
INSERT INTO audit_cell_days VALUES('clinician','day','2026-03-02','810123456781',2569,1);
INSERT INTO audit_cell_days VALUES('clinician','month','2026-03','810123456781',2569,1);
INSERT INTO audit_cell_days VALUES('month','day','2026-03-02','2026-03',2569,1);
INSERT INTO audit_cell_days VALUES('month','month','2026-03','2026-03',2569,1);
INSERT INTO audit_cell_days VALUES('organisation','day','2026-03-02','490000049',2569,1);
INSERT INTO audit_cell_days VALUES('organisation','month','2026-03','490000049',2569,1);
INSERT INTO audit_cell_days VALUES('topic','day','2026-03-02','no-template',2569,1);
INSERT INTO audit_cell_days VALUES('topic','month','2026-03','no-template',2569,1);
CREATE TABLE session_seal (
    session_number INTEGER PRIMARY KEY,
    event_count INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    tag TEXT NOT NULL
);
INSERT INTO session_seal VALUES(1,21,22,'bf5a93c68d1d24f67be77d116a05c83ac530ccf6ef8b662fc66929e6d9c7dbfd');
INSERT INTO session_seal VALUES(2,6,28,'ebd907a158e53db541416eba73e2318b8f138157133cd9e385109ba065aca485');
INSERT INTO session_seal VALUES(3,6,34,'88658a226c874897f20b1404c42b488f9822e355133272efb91523d84f8561f2');
CREATE INDEX event_kind ON event(kind, seq);
CREATE TRIGGER event_no_update BEFORE UPDATE ON event
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER event_no_delete BEFORE DELETE ON event
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE INDEX audit_session_closed_day ON audit_session(closed, closed_day);
CREATE INDEX audit_session_clinician ON audit_session(clinician_idnat_ps);
CREATE INDEX audit_session_topic ON audit_session(topic_group);
CREATE INDEX audit_session_month ON audit_session(closed_month);
CREATE INDEX audit_session_organisation ON audit_session(organisation_finess);
CREATE VIEW audit_sessions AS SELECT
    session_number, patient_pseudonym, clinician_idnat_ps, organisation_finess, topic_group, start_month,
    closed, closed_at, closed_day, closed_month, patient_present, relative_present, preferences_count,
    surveillance_discussed, surveillance_applicable, trial_offered, preferred_role, experienced_role,
    role_concordant, collaborate_mean, collaborate_top, sdm_q9_score, option5_score, sure_positive,
    decision_outcome, rcp_date, decision_date, days_rcp_to_decision, completeness
    FROM audit_session;
CREATE VIEW audit_options AS SELECT session_number, option_number, kind, origin_kind FROM audit_option;
CREATE VIEW audit_instruments AS SELECT
    session_number, entry_number, instrument, version, respondent, score, flags, complete, follow_up,
    recorded_month
    FROM audit_instrument;
CREATE INDEX audit_session_patient ON audit_session(patient_pseudonym);
CREATE INDEX event_session_closed ON event(session_number, recorded_at) WHERE kind = 'session-closed';
CREATE INDEX session_patient_ins ON session(patient_ins, number);
CREATE INDEX session_ipp ON session(ipp, number);
CREATE INDEX session_clinician ON session(clinician_id, number);
CREATE INDEX session_started_at ON session(started_at, number);
COMMIT;
